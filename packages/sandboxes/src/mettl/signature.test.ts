// The sandbox's Mettl signature check against the documented recipe; digests computed with
// `printf '…' | openssl dgst -sha256 -hmac <private key> -binary | base64`, not with our code.
import { describe, expect, it } from 'vitest';
import { checkMettlRequest, expectedAsgn, expectedStringToSign } from './signature.js';

const AK = 'ab12c345-6789-0123-456d-78e9f0123456'; // the keys of Mettl's Get Account Info example
const PK = 'zy98x765-4321-0987-654w-32v1u0987654';

describe('Mettl signature (sandbox side)', () => {
  it.each([
    {
      name: 'the documented Get Account Info example (ak, ts)',
      method: 'GET',
      url: 'https://api.mettl.com/v2/account',
      params: [['ts', '1635976200'], ['ak', AK]],
      text: `GEThttps://api.mettl.com/v2/account\n${AK}\n1635976200`,
      asgn: 'v4+lYYoZTdoeFV9XSTehS1MLRpBmjTRqQqKGizlHIN8=',
    },
    {
      name: "details.php's example with a third parameter sorted between ak and ts",
      method: 'get',
      url: 'http://api.mettl.com/v1/assessments/2690',
      params: [['ts', '1635976200'], ['limit', '50'], ['ak', AK], ['asgn', 'ignored']],
      text: `GEThttp://api.mettl.com/v1/assessments/2690\n${AK}\n50\n1635976200`,
      asgn: 'RO2J3Csp5zPBghGpvbs+7+uEJ1/4OmP4Z1EOExAgB9Y=',
    },
  ])('builds and signs $name', ({ method, url, params, text, asgn }) => {
    const built = expectedStringToSign(method, url, new Map(params as [string, string][]));
    expect(built).toBe(text);
    expect(expectedAsgn(PK, built)).toBe(asgn);
  });

  it('refuses a wrong key, an old timestamp and a wrong signature with Mettl\'s codes, in that order', () => {
    const params = (o: Record<string, string>) => new Map(Object.entries({ ak: AK, ts: '1635976200', asgn: 'v4+lYYoZTdoeFV9XSTehS1MLRpBmjTRqQqKGizlHIN8=', ...o }));
    const check = (o: Record<string, string>, nowSeconds = 1635976200) =>
      checkMettlRequest({ method: 'GET', endpointUrl: 'https://api.mettl.com/v2/account', params: params(o), publicKey: AK, privateKey: PK, nowSeconds })?.code ?? null;
    expect(check({})).toBeNull();
    expect(check({}, 1635976200 + 24 * 3600 + 1)).toBe('E504');
    expect(check({ ak: 'nobody' })).toBe('E403');
    expect(check({ asgn: 'v4+lYYoZTdoeFV9XSTehS1MLRpBmjTRqQqKGizlHIN8' })).toBe('E401');
  });
});

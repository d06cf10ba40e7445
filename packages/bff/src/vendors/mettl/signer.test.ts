// Signer vectors: the documented Mettl example and hand-computed ones (openssl), table-driven.
import { describe, expect, it } from 'vitest';
import { encodeParams, pathSegment, signParams, signature, sortedNames, stringToSign, type Params } from './signer.js';

// Keys of Mettl's documented Get Account Info example (docs/vendors/mettl.md#request-signing); expected values computed
// independently with `openssl dgst -sha256 -hmac … -binary | base64`.
const AK = 'ab12c345-6789-0123-456d-78e9f0123456';
const PK = 'zy98x765-4321-0987-654w-32v1u0987654';
const SC =
  '{"name":"candidate-assessment mettl-java attempt 1","sourceApp":"candidate-assessment","access":{"type":"OpenForAll","sendEmail":false}}';
const RD =
  '{"registrationDetails":[{"Email Address":"ada+1@example.com","First Name":"Ada","Last Name":"Lovelace"}],"optionalParams":[{"email":"ada+1@example.com","context_data":"ord_1.abc"}]}';

describe('Mettl signer', () => {
  it.each<{ name: string; method: string; url: string; params: Params; base64: string; encoded: string }>([
    {
      name: 'the documented Get Account Info example',
      method: 'GET',
      url: 'https://api.mettl.com/v2/account',
      params: { ts: '1635976200' },
      base64: 'v4+lYYoZTdoeFV9XSTehS1MLRpBmjTRqQqKGizlHIN8=',
      encoded: 'v4%2BlYYoZTdoeFV9XSTehS1MLRpBmjTRqQqKGizlHIN8%3D',
    },
    {
      name: 'a POST whose JSON sc is signed as the raw string, Base64 with +, / and =',
      method: 'POST',
      url: 'https://api.mettl.com/v2/assessments/123456/schedules',
      params: { sc: SC, ts: '1700000005' },
      base64: 'm0fGSqMRbOMgjiu+1H/UqL2sPMOONz7sRlzNWP/whqA=',
      encoded: 'm0fGSqMRbOMgjiu%2B1H%2FUqL2sPMOONz7sRlzNWP%2FwhqA%3D',
    },
    {
      // What we send: the email raw in the path, as the public clients do (Rails Mettl::GetScores, MettlHelper.java).
      name: 'a GET with a candidate email in the path as sent, raw @ and +',
      method: 'GET',
      url: `https://api.mettl.com/v2/schedules/f1bb27bf/candidates/${pathSegment('anshul.bisht06+90@gmail.com')}`,
      params: { ts: '1700000102' },
      base64: 'MCfmmUxeSdYk2rvLKND2jQrqEWpRHVS8eX1+z9Vb7RE=',
      encoded: 'MCfmmUxeSdYk2rvLKND2jQrqEWpRHVS8eX1%2Bz9Vb7RE%3D',
    },
    {
      // The same call with the email percent-encoded (%40, %2B) signs a different string: a client must sign the form it sends.
      name: 'a GET with the same email percent-encoded in the path',
      method: 'GET',
      url: 'https://api.mettl.com/v2/schedules/f1bb27bf/candidates/anshul.bisht06%2B90%40gmail.com',
      params: { ts: '1700000102' },
      base64: 'toEbA9l4VD+xHvswcLptVthWvAS/LLawBR4uKsGwzZo=',
      encoded: 'toEbA9l4VD%2BxHvswcLptVthWvAS%2FLLawBR4uKsGwzZo%3D',
    },
    {
      name: 'a registration with a camelCase parameter, sorted by name (ak, allowMissing…, rd, ts)',
      method: 'POST',
      url: 'https://api.mettl.com/v2/schedules/f1bb27bf/candidates',
      params: { rd: RD, allowMissingMandatoryRegistrationFields: 'true', ts: '1700000200' },
      base64: 'kqq0eRdsJdj/8cnnFUT5UnD2QhbGBC+FMiPLJvYOH2o=',
      encoded: 'kqq0eRdsJdj%2F8cnnFUT5UnD2QhbGBC%2BFMiPLJvYOH2o%3D',
    },
  ])('signs $name', ({ method, url, params, base64, encoded }) => {
    const signed = signParams({ method, endpointUrl: url, params: { ...params }, publicKey: AK, privateKey: PK, ts: Number(params.ts!) });
    expect(signed.asgn).toBe(base64);
    expect(signature(PK, method, url, { ...params, ak: AK })).toBe(base64);
    expect(encodeParams({ asgn: signed.asgn! })).toBe(`asgn=${encoded}`);
  });

  it('builds the string to sign as METHOD + URL then "\\n" + each value in ascending name order, without asgn', () => {
    expect(
      stringToSign('post', 'https://api.mettl.com/v2/assessments/1/schedules', { ts: '9', sc: '{"a":1}', ak: 'K', asgn: 'x' }),
    ).toBe('POSThttps://api.mettl.com/v2/assessments/1/schedules\nK\n{"a":1}\n9');
  });

  it('sorts names case-insensitively, as the public clients that match Mettl do', () => {
    expect(sortedNames({ ts: '', rd: '', ak: '', allowMissingMandatoryRegistrationFields: '', Zeta: '', asgn: '' })).toEqual([
      'ak',
      'allowMissingMandatoryRegistrationFields',
      'rd',
      'ts',
      'Zeta',
    ]);
  });

  it('refuses to sign a URL that carries a query string', () => {
    expect(() => stringToSign('GET', 'https://api.mettl.com/v2/account?ak=x', {})).toThrow(/query/);
  });

  it('percent-encodes every value once on the wire (JSON spaces as %20, + as %2B)', () => {
    expect(encodeParams({ rd: '{"First Name":"A+B"}', ak: 'k' })).toBe('rd=%7B%22First%20Name%22%3A%22A%2BB%22%7D&ak=k');
    expect(pathSegment('ada+1@example.com')).toBe('ada+1@example.com');
  });

  it('keeps @ and + raw in a path segment, so the sent and the decoded URL are the same string', () => {
    expect(pathSegment('o\'neil+x@example.com')).toBe("o'neil+x@example.com");
    expect(decodeURIComponent(pathSegment('ada+1@example.com'))).toBe(pathSegment('ada+1@example.com'));
    // What a path segment cannot carry is escaped (MettlHelper special-cases an email with ?).
    expect(pathSegment('we?ird#/x y%@example.com')).toBe('we%3Fird%23%2Fx%20y%25@example.com');
    expect(new URL(`https://api.mettl.com/v2/schedules/k/candidates/${pathSegment('ada+1@example.com')}`).pathname).toBe(
      '/v2/schedules/k/candidates/ada+1@example.com',
    );
  });
});

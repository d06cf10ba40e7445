// `@ca/demo`: the demo (startDemo) and its ATS server, for the end-to-end and multi-replica tests.
export { startDemo, PortInUseError, type Demo, type DemoOptions } from './demo.js';
export { startAtsServer, type AtsServer, type AtsServerOptions } from './ats/server.js';

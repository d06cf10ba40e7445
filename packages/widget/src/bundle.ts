// Entry of the /widget.js bundle: registers the element. The build wraps the whole file in a `window` check
// (vite.config.ts), so importing the bundle on a server or in a worker does nothing.
import './candidate-assessment.js';

// The floor for the widget bundle: the smallest useful Lit element (one reactive property, scoped
// styles, a template with a binding), registered once. Built by the widget's own Vite config.
import { LitElement, css, html } from 'lit';

class BareElement extends LitElement {
  static override properties = { name: { type: String } };
  static override styles = css`
    :host {
      display: block;
      font: var(--bare-font, inherit);
    }
  `;
  declare name: string;

  constructor() {
    super();
    this.name = 'world';
  }

  override render() {
    return html`<p part="greeting">Hello, ${this.name}</p>`;
  }
}

if (!customElements.get('bare-element')) customElements.define('bare-element', BareElement);

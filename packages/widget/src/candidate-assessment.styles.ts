// The element's styles: only --ca-* design tokens from outside, logical properties so right-to-left just works.
// Adopted as a constructable stylesheet (no <style> injected into the page, fine under a strict CSP). Reflows down
// to 320 px, follows the browser's font size (rem), keeps its shapes in forced colors and moves only if allowed.
// Status classes (.scored, .failed, …) sit on the badge only and follow .badge, so they win at equal specificity.
import { unsafeCSS } from 'lit';

/**
 * Our one stylesheet as a CSSResult. Not Lit's `css` tag: that one brings a check for interpolated values and its
 * long error message into the core bundle (~140 B gzip); this sheet interpolates nothing, and the `never` rest
 * parameter keeps it so. Named `css` so the build still squeezes the template (vite.config.ts keys on the name).
 */
const css = (text: TemplateStringsArray, ..._none: never[]) => unsafeCSS(text[0]);

export default css`
  :host {
    display: block;
    color: var(--ca-color-text, #1f2933);
    font: var(--ca-font-size, 0.875rem) / 1.45 var(--ca-font, system-ui, sans-serif);
    --s: var(--ca-space, 16px);
    --r: var(--ca-radius, 8px);
    --a: var(--ca-color-accent, #1d4ed8);
    --m: var(--ca-color-muted, #52606d);
    --b: var(--ca-color-border, #d3dae2);
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .base {
    overflow-wrap: anywhere;
    background: var(--ca-color-bg, #fff);
    border: 1px solid var(--b);
    border-radius: var(--r);
    padding: var(--s);
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--s);
    margin-block-end: calc(var(--s) / 2);
  }
  h2 {
    font-size: 1.15em;
    margin: 0;
  }
  h3 {
    font-size: 0.85em;
    margin: calc(var(--s) / 2) 0 0.2em;
    color: var(--m);
    font-weight: 600;
  }
  p,
  ul,
  dl {
    margin: 0;
  }
  ul {
    padding: 0;
    list-style: none;
  }
  .conn {
    color: var(--m);
    font-size: 0.85em;
  }
  .conn::before {
    content: '';
    display: inline-block;
    inline-size: 0.6em;
    block-size: 0.6em;
    border-radius: 50%;
    margin-inline-end: 0.4em;
    background: var(--ca-color-warning, #b45309);
  }
  .conn.live::before {
    background: var(--ca-color-success, #15803d);
  }
  form {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--s) / 2);
    margin-block-end: var(--s);
  }
  select,
  button,
  .btn {
    font: inherit;
    border-radius: calc(var(--r) / 1.5);
    padding: 0.35em 0.8em;
    border: 1px solid var(--b);
    background: var(--ca-color-bg, #fff);
    color: inherit;
    max-inline-size: 100%;
  }
  button,
  .btn {
    cursor: pointer;
    background: var(--a);
    border-color: var(--a);
    color: var(--ca-color-accent-text, #fff);
    text-decoration: none;
    display: inline-block;
  }
  [aria-disabled=true] {
    cursor: progress;
  }
  .btn.quiet {
    background: transparent;
    color: var(--a);
  }
  :focus-visible {
    outline: 2px solid var(--a);
    outline-offset: 2px;
  }
  .order {
    border: 1px solid var(--b);
    border-radius: var(--r);
    padding: calc(var(--s) * 0.75);
    background: var(--ca-color-surface, #f8fafc);
    display: grid;
    gap: 0.35em;
  }
  .order + .order,
  .sk + .sk {
    margin-block-start: calc(var(--s) / 2);
  }
  .top {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    gap: calc(var(--s) / 2);
    flex-wrap: wrap;
  }
  .pkg {
    font-weight: 600;
  }
  .muted,
  .vendor {
    color: var(--m);
    font-size: 0.9em;
  }
  .badge {
    font-size: 0.8em;
    font-weight: 600;
    padding: 0.15em 0.6em;
    border-radius: 999px;
    background: #e0e8f5;
    color: #1e3a8a;
  }
  .in_progress {
    background: #fdf0cc;
    color: #713f12;
  }
  .completed,
  .scored {
    background: #d8f3e0;
    color: #14532d;
  }
  .expired,
  .cancelled,
  .no_show,
  .failed {
    background: #fbe0df;
    color: #7f1d1d;
  }
  progress {
    inline-size: 100%;
    block-size: 0.5em;
    accent-color: var(--a);
  }
  dl {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2em var(--s);
  }
  dt {
    color: var(--m);
    font-size: 0.85em;
  }
  dd {
    margin: 0;
    font-weight: 600;
  }
  .flag.warning,
  .err {
    color: var(--ca-color-danger, #b91c1c);
  }
  .done {
    color: var(--ca-color-success, #15803d);
    font-weight: 600;
  }
  .actions {
    display: flex;
    gap: calc(var(--s) / 2);
    flex-wrap: wrap;
  }
  .empty {
    color: var(--m);
    padding: var(--s) 0;
  }
  .sk {
    block-size: 4.5em;
    border-radius: var(--r);
    background: var(--ca-color-surface, #f1f4f8);
  }
  .sr {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: no-preference) {
    .sk {
      animation: pulse 1s infinite alternate;
    }
  }
  @keyframes pulse {
    to {
      opacity: 0.5;
    }
  }
  @media (forced-colors: active) {
    .badge,
    .sk {
      border: 1px solid;
    }
    .conn::before {
      forced-color-adjust: none;
      background: CanvasText !important;
    }
  }
`;

// Builds the widget into one minified ES module (Lit bundled in, English only) that the BFF serves as /widget.js,
// plus one small chunk per other language in dist/widget/i18n/, imported on demand relative to widget.js.
// Lit's html`` and css`` literals are squeezed at build time; nothing else about the code changes.
// `vite build --mode lib` builds the package's module for bundlers instead (dist/lib/: `lit` left to the
// installer, @ca/shared's few values inlined), after the bundle: `pnpm --filter @ca/widget build:package`.
import ts from 'typescript';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/** Collapses layout whitespace inside html`` / css`` tagged templates (the minifier leaves template text alone). */
function minifyLitTemplates(): Plugin {
  return {
    name: 'ca-minify-lit-templates',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/[^/]+(\/[^/]+)?\.ts$/.test(id) || id.endsWith('.test.ts')) return null;
      const file = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true);
      const edits: { start: number; end: number; text: string }[] = [];
      const squeeze = (lit: ts.Node, isCss: boolean) => {
        const start = lit.getStart(file);
        let text = code.slice(start, lit.end).replace(/\s*\n\s*/g, ' ');
        if (isCss) {
          // Safe for our own stylesheet: no descendant pseudo-class selectors, no `+`/`-` inside calc().
          text = text
            .replace(/\s*([{};,>:/*+])\s*/g, '$1')
            .replace(/;}/g, '}')
            .replace(/([^\d])0\.(\d)/g, '$1.$2')
            .replace(/@media \(/g, '@media(')
            .replace(/ !important/g, '!important');
        } else {
          // A static attribute value of one plain word needs no quotes: the HTML parser reads `part=order` as `part="order"`.
          text = text.replace(/(\s[\w-]+)="([\w-]+)"(?=[\s>])/g, '$1=$2');
        }
        edits.push({ start, end: lit.end, text });
      };
      const visit = (node: ts.Node): void => {
        if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && (node.tag.text === 'html' || node.tag.text === 'css')) {
          const isCss = node.tag.text === 'css';
          const t = node.template;
          if (ts.isNoSubstitutionTemplateLiteral(t)) squeeze(t, isCss);
          else {
            squeeze(t.head, isCss);
            for (const span of t.templateSpans) squeeze(span.literal, isCss);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
      if (!edits.length) return null;
      let out = code;
      for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
      return { code: out, map: null };
    },
  };
}

/**
 * Runs the bundle only where there is a window: Lit's classes extend HTMLElement, which a server does not have.
 * A block around the whole entry is smaller than the lazy-module wrappers a dynamic import would cost. Language
 * chunks are plain data (one `export default` string) and stay as they are.
 */
function onlyWithWindow(): Plugin {
  return {
    name: 'ca-only-with-window',
    apply: 'build',
    // After minification, so the minifier's /* @__PURE__ */ marks can go too (the code inside runs once).
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        if (chunk.imports.length) throw new Error(`${chunk.fileName} must not import other chunks statically`);
        if (!chunk.isEntry) continue;
        if (chunk.exports.length) throw new Error('the widget bundle must not export');
        chunk.code = `if(typeof window<"u"&&typeof customElements<"u"){${chunk.code.replaceAll('/* @__PURE__ */ ', '')}}`;
      }
    },
  };
}

/** The standalone bundle: everything in one file, run only where there is a window. */
const bundle: UserConfig = {
  plugins: [minifyLitTemplates(), onlyWithWindow()],
  // Always Lit's production build, even when started from a test runner that sets NODE_ENV=test.
  resolve: { conditions: ['module', 'browser', 'production'] },
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: true,
    sourcemap: false,
    lib: {
      entry: 'src/bundle.ts',
      formats: ['es'],
      fileName: () => 'widget.js',
    },
    rolldownOptions: {
      // Hashed names: the BFF serves them with a long cache; widget.js (short cache) names the current ones.
      output: { chunkFileNames: 'widget/i18n/[name]-[hash].js', minify: true },
    },
  },
};

/**
 * The package's ES module for an application's own bundler: `index.js` (registers the element where there is a
 * window) and `element.js` (the class, registered on import), `lit` imported, languages as chunks beside them.
 */
const library: UserConfig = {
  plugins: [minifyLitTemplates()],
  build: {
    target: 'es2022',
    outDir: 'dist/lib',
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    lib: { entry: { index: 'src/index.ts', element: 'src/candidate-assessment.ts' }, formats: ['es'] },
    rolldownOptions: {
      external: (id) => id === 'lit' || id.startsWith('lit/'),
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
};

export default defineConfig(({ mode }) => (mode === 'lib' ? library : bundle));

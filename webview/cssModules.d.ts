/** Stylesheets the page imports: esbuild bundles them into the panel's own .css file. */
declare module '*.css';

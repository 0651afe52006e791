// Where Bootstrap Italia 2 finds its web fonts when a component asks the kit to load them.
// Loaded before the bundle, as a file: the Content-Security-Policy forbids inline scripts.
window.__PUBLIC_PATH__ = "/static/vendor/bootstrap-italia/fonts";

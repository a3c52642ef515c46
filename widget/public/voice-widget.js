/* Voice widget loader: <script src="https://HOST/voice-widget.js" data-agent="acme" async></script>
   Queues this tag's data-* settings (data-agent, data-lang, data-theme, data-position, data-strings, …)
   and loads the widget module next to this file. */
(function () {
  var s = document.currentScript;
  if (!s) return;
  var cfg = {};
  for (var i = 0; i < s.attributes.length; i++) {
    var a = s.attributes[i];
    if (a.name.indexOf('data-') === 0) cfg[a.name.slice(5)] = a.value;
  }
  var q = (window.__voiceWidget = window.__voiceWidget || []);
  q.push(cfg);
  import(new URL('widget.mjs', s.src).href);
})();

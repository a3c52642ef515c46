/* Voice widget loader: <script src="https://HOST/voice-widget.js" data-agent="…" async></script>
   Queues this tag's settings and loads the widget module next to this file. */
(function () {
  var s = document.currentScript;
  if (!s) return;
  var q = (window.__voiceWidget = window.__voiceWidget || []);
  q.push({ agent: s.getAttribute('data-agent') || 'default', server: s.getAttribute('data-server') || undefined });
  import(new URL('widget.mjs', s.src).href);
})();

import type { Staff } from '../repo/staff.ts';
import { html, layout } from './html.ts';

/**
 * `/dashboard/console`: the shell the console script (server/console) fills in — the queue of
 * callers waiting for a person with the selected caller's context package, the call in progress,
 * and recent cold transfers under the caller's number. Keyboard: ↑/↓ or j/k choose a caller,
 * Enter or t takes the chosen call, m mutes, h hangs up; new callers are announced (live region)
 * and chime.
 */
export function consolePage(staff: Staff, scriptBuilt: boolean): string {
  return layout(
    'Console',
    html`<div id="console" data-name="${staff.name}" data-role="${staff.role}">
      <p class="console-bar"><span>Signed in as <b>${staff.name}</b>.</span>
        <button type="button" id="go-online" data-testid="go-online">Go online</button>
        <span id="online-state" class="muted" role="status">Offline: callers are not offered to you.</span></p>
      <p class="muted">Keys: <kbd>↑</kbd>/<kbd>↓</kbd> or <kbd>j</kbd>/<kbd>k</kbd> choose a caller · <kbd>Enter</kbd> or <kbd>t</kbd> take the call ·
        <kbd>m</kbd> mute · <kbd>h</kbd> hang up.</p>
      <section id="in-call" class="in-call" hidden aria-labelledby="in-call-title" data-testid="in-call">
        <h2 id="in-call-title">On a call</h2><p id="call-state" role="status"></p>
        <p><button type="button" id="mute" aria-keyshortcuts="m">Mute</button> <button type="button" id="hangup" aria-keyshortcuts="h" data-testid="hangup">Hang up</button></p>
        <div id="call-package"></div>
      </section>
      <div class="console-grid">
        <section aria-labelledby="queue-title"><h2 id="queue-title">Waiting for a person <span id="queue-count" class="muted"></span></h2>
          <ol id="queue" class="queue" data-testid="queue" aria-label="Callers waiting"></ol>
          <p id="queue-empty" class="muted">Nobody is waiting.</p></section>
        <section id="detail" class="detail" aria-live="polite" aria-labelledby="detail-title" data-testid="detail"><h2 id="detail-title">Caller</h2>
          <p class="muted">Choose a caller to see what the agent knows.</p></section>
      </div>
      <section aria-labelledby="transfers-title"><h2 id="transfers-title">Phone transfers (last 30 minutes)</h2>
        <ul id="transfers" class="transfers" data-testid="transfers"></ul></section>
      <div id="announcer" class="sr-only" aria-live="assertive"></div>
    </div>
    ${scriptBuilt ? '' : html`<p class="error">The console script is not built: run <code>pnpm --filter @voice-widget/server build:console</code>.</p>`}
    <noscript><p class="error">The console needs JavaScript.</p></noscript>`,
    { nav: staff.role === 'admin' ? true : 'agent', scripts: ['/dashboard/console.js'] },
  );
}

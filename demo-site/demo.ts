/// <reference lib="dom" />
/**
 * The public demo-link page `/d/:slug`: shows the agent's name and description (from the
 * server's public `GET /api/demo-links/:slug`), asks for name and e-mail when the link wants a
 * lead, then mounts the widget inline with its live latency panel. The widget sends the demo slug
 * and the lead with its session request, so the server applies the link's budgets. When the link
 * offers a call-back the server can place, the "Call me back" form (callback.ts) is shown beside it.
 */
import type { DemoLinkPublicInfo } from '@voice-widget/protocol';
import { mountCallbackForm } from './callback.ts';

const origin = document.body.dataset.widgetOrigin ?? '';
const slug = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function showStatus(message: string): void {
  const el = $('status');
  el.textContent = message;
  el.hidden = false;
}

function mountWidget(info: DemoLinkPublicInfo, lead?: { name: string; email: string }): void {
  $('talk').hidden = false;
  $('limits').textContent = `Calls on this demo last up to ${Math.round(info.maxCallSeconds / 60) || 1} min.`;
  const el = document.createElement('voice-agent');
  el.setAttribute('agent', info.agent);
  el.setAttribute('server', origin);
  el.setAttribute('demo', info.slug);
  if (lead) {
    el.setAttribute('lead-name', lead.name);
    el.setAttribute('lead-email', lead.email);
  }
  $('widget').appendChild(el);
  if (info.callback) mountCallbackForm(origin, info, lead);
  const script = document.createElement('script');
  script.type = 'module';
  script.src = `${origin}/widget.mjs`;
  document.head.appendChild(script);
}

async function main(): Promise<void> {
  const res = await fetch(`${origin}/api/demo-links/${encodeURIComponent(slug)}`).catch(() => null);
  if (!res || !res.ok) {
    $('agent-name').textContent = 'Demo not found';
    showStatus(res?.status === 404 ? 'This demo link does not exist. Check the address you were given.' : 'The demo service is not reachable right now. Please try again later.');
    return;
  }
  const info = (await res.json()) as DemoLinkPublicInfo;
  $('agent-name').textContent = info.agentName;
  $('agent-description').textContent = info.description;
  document.title = `${info.agentName} — voice demo`;
  if (info.status !== 'active') {
    showStatus(info.message ?? 'This demo is not available.');
    return;
  }
  if (!info.leadCapture) return mountWidget(info);
  const form = $<HTMLFormElement>('lead');
  form.hidden = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    form.hidden = true;
    mountWidget(info, { name: String(data.get('name')).trim(), email: String(data.get('email')).trim() });
  });
}

void main();

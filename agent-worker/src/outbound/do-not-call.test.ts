import { EventEmitter } from 'node:events';
import { voice } from '@livekit/agents';
import { describe, expect, it } from 'vitest';
import { doNotCallPhrase, watchForDoNotCall } from './do-not-call.ts';

describe('doNotCallPhrase', () => {
  it.each([
    "Please don't call me again.",
    'please do not call me again',
    'Don’t call this number anymore',
    "don't call me",
    'Stop calling me, thanks',
    'can you take me off your list',
    'remove my number from your calling list please',
    'put me on your do-not-call list',
    'I want to be on the do not call list',
    'never call here again',
    'unsubscribe me',
  ])('matches “%s”', (text) => {
    expect(doNotCallPhrase(text)).not.toBeNull();
  });

  it.each([
    'call me back tomorrow',
    "don't call me before five",
    "I don't mind if you call me again",
    'who is this calling',
    'yes now is a good time',
    'please call me again next week',
    '',
  ])('does not match “%s”', (text) => {
    expect(doNotCallPhrase(text)).toBeNull();
  });
});

describe('watchForDoNotCall', () => {
  const script = { doNotCallConfirmed: 'Understood, taken off.', doNotCallFailed: 'Sorry, could not update.' };

  function setup(serverOk: boolean | null) {
    const session = new EventEmitter();
    const log: string[] = [];
    const requests: unknown[] = [];
    const server =
      serverOk === null
        ? null
        : {
            doNotCall: async (body: { phrase: string }) => {
              requests.push(body);
              log.push('server');
              return serverOk ? { ok: true as const, value: { added: true } } : { ok: false as const, error: 'unreachable' };
            },
          };
    const out = {
      interrupt: () => void log.push('interrupt'),
      say: (text: string, o: { interruptible: boolean }) => {
        log.push(`say${o.interruptible ? '' : '!'}:${text}`);
        return { started: Promise.resolve(1), done: Promise.resolve() };
      },
      hangUp: async (why: string) => void log.push(`hangup:${why}`),
    };
    const handled = watchForDoNotCall(session as never, server, script, out, { info: () => undefined } as never);
    const said = (role: string, textContent: string) => session.emit(voice.AgentSessionEventTypes.ConversationItemAdded, { item: { type: 'message', role, textContent } });
    return { log, requests, handled, said };
  }

  it('the callee’s “please don’t call me again”: stop talking, the server adds the number, confirm only then, hang up', async () => {
    const { log, requests, handled, said } = setup(true);
    said('assistant', "I won't call you again unless you ask"); // the agent's own words never count
    said('user', 'yes now is a good time');
    expect(log).toEqual([]);
    said('user', "Please don't call me again.");
    said('user', "I said don't call me again"); // handled once
    await handled;
    expect(requests).toEqual([{ phrase: "don't call me again" }]);
    expect(log).toEqual(['interrupt', 'server', 'say!:Understood, taken off.', 'hangup:do-not-call request']);
  });

  it('the server could not add it: no false promise, the way to ask again, then hang up', async () => {
    for (const ok of [false, null]) {
      const { log, handled, said } = setup(ok);
      said('user', 'stop calling me');
      await handled;
      expect(log.filter((l) => l.startsWith('say'))).toEqual(['say!:Sorry, could not update.']);
      expect(log.at(-1)).toBe('hangup:do-not-call request');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT } from './default-script.ts';
import { DialogueScript, scriptFromInstructions } from './script.ts';

describe('scriptFromInstructions', () => {
  const script = { greeting: 'Hello.', fallback: 'I heard {heard}.', intents: [{ name: 'hours', keywords: ['open'], reply: 'Nine to five.' }] };

  it('reads a fenced local-realtime-script block', () => {
    const instructions = `You are a shop assistant.\n\`\`\`local-realtime-script\n${JSON.stringify(script, null, 2)}\n\`\`\`\nBe brief.`;
    expect(scriptFromInstructions(instructions)).toEqual({ found: true, script });
  });

  it('reports invalid JSON and schema problems with their path', () => {
    expect(scriptFromInstructions('```local-realtime-script\n{nope}\n```')).toMatchObject({ found: true, error: expect.stringContaining('not valid JSON') });
    const typo = { ...script, intents: [{ name: 'x', keywords: ['a'], replly: 'typo' }] };
    const r = scriptFromInstructions(`\`\`\`local-realtime-script\n${JSON.stringify(typo)}\n\`\`\``);
    expect(r).toMatchObject({ found: true, error: expect.stringContaining('intents.0') });
  });

  it('rejects a tool match that is not a regular expression', () => {
    const bad = { ...script, intents: [{ name: 'x', keywords: ['a'], tool: { match: '(' } }] };
    expect(scriptFromInstructions(`\`\`\`local-realtime-script\n${JSON.stringify(bad)}\n\`\`\``)).toMatchObject({ error: expect.stringContaining('regular expression') });
  });

  it('finds nothing in plain instructions', () => {
    expect(scriptFromInstructions('Just be helpful.')).toEqual({ found: false });
  });
});

describe('DEFAULT_SCRIPT', () => {
  it('is itself a valid script', () => {
    expect(DialogueScript.safeParse(DEFAULT_SCRIPT).success).toBe(true);
  });
});

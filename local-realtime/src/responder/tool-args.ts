import type { FunctionTool } from '../protocol/client-events.ts';
import type { ToolSpec } from './script.ts';
import { renderTemplate, type TemplateVars } from './text.ts';

/**
 * Arguments for a scripted tool call. With templates in the script they are rendered (a
 * `{capture}` argument is the first group of its pattern in what the caller said); without,
 * they are filled from the tool's JSON schema: number/integer properties and id-like string
 * properties (`order_id`, `orderNumber`, `code`, `ref`) from `{number}`, other required strings
 * from `{heard}`. `missing` lists required arguments that came out empty.
 */
export function buildToolArguments(
  spec: ToolSpec | undefined,
  tool: FunctionTool,
  vars: TemplateVars & { number?: string | null; heard?: string },
): { args: Record<string, unknown>; missing: string[] } {
  const params = (tool.parameters ?? {}) as { properties?: Record<string, { type?: unknown }>; required?: unknown };
  const properties = params.properties && typeof params.properties === 'object' ? params.properties : {};
  const required = new Set(Array.isArray(params.required) ? params.required.filter((r): r is string => typeof r === 'string') : []);
  const typeOf = (name: string) => {
    const t = properties[name]?.type;
    return Array.isArray(t) ? t.find((x) => x !== 'null') : t;
  };
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  const coerce = (name: string, text: string): unknown => {
    const t = typeOf(name);
    return (t === 'number' || t === 'integer') && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  };

  if (spec?.arguments) {
    for (const [name, value] of Object.entries(spec.arguments)) {
      if (typeof value === 'object') {
        const m = new RegExp(value.capture, 'i').exec(vars.heard ?? '');
        const captured = m?.[1]?.trim().replace(/[.!?]+$/, '') ?? '';
        if (!captured && required.has(name)) missing.push(name);
        if (captured) args[name] = coerce(name, captured);
        continue;
      }
      if (typeof value !== 'string') {
        args[name] = value;
        continue;
      }
      const r = renderTemplate(value, vars);
      if (!r.text && required.has(name)) missing.push(name);
      args[name] = coerce(name, r.text);
    }
    return { args, missing };
  }

  for (const name of Object.keys(properties)) {
    const type = typeOf(name);
    const idLike = /id$|number|num$|code|ref/i.test(name);
    if (type === 'number' || type === 'integer' || (type === 'string' && idLike)) {
      if (vars.number) args[name] = coerce(name, vars.number);
      else if (required.has(name)) missing.push(name);
    } else if (type === 'string' && required.has(name)) {
      if (vars.heard) args[name] = vars.heard;
      else missing.push(name);
    } else if (required.has(name)) {
      missing.push(name);
    }
  }
  return { args, missing };
}

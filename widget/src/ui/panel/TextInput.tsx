import { useState } from 'preact/hooks';
import { useController } from '../context.ts';

/** Text fallback: typed messages go to the agent on `lk.chat`. */
export function TextInput() {
  const c = useController();
  const t = c.strings;
  const [text, setText] = useState('');
  return (
    <form
      class="vw-type"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) return;
        void c.sendText(text);
        setText('');
      }}
    >
      <input
        type="text"
        data-testid="text-input"
        aria-label={t.typeLabel}
        placeholder={t.typePlaceholder}
        value={text}
        maxLength={500}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
      />
      <button type="submit" data-testid="text-send">
        {t.send}
      </button>
    </form>
  );
}

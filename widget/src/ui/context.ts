import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Snapshot, WidgetController } from '../core/controller.ts';

export const ControllerContext = createContext<WidgetController | null>(null);

/** The widget's controller; throws outside `<ControllerContext.Provider>`. */
export function useController(): WidgetController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('useController() outside <ControllerContext.Provider>');
  return c;
}

/** The controller's current snapshot; re-renders on change. */
export function useSnapshot(): Snapshot {
  const c = useController();
  const [snap, setSnap] = useState(c.snapshot);
  useEffect(() => c.subscribe(setSnap), [c]);
  return snap;
}

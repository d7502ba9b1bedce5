/** A minimal typed event emitter; listeners that throw are isolated from each other. */
export interface Emitter<Events extends Record<string, unknown>> {
  on<K extends keyof Events>(name: K, listener: (payload: Events[K]) => void): () => void;
  emit<K extends keyof Events>(name: K, payload: Events[K]): void;
}

/** Creates an {@link Emitter}; `onListenerError` hears what a listener threw. */
export function createEmitter<Events extends Record<string, unknown>>(
  onListenerError: (error: unknown) => void,
): Emitter<Events> {
  const listeners: { [K in keyof Events]?: Set<(payload: Events[K]) => void> } = {};
  return {
    on(name, listener) {
      (listeners[name] ||= new Set()).add(listener);
      return () => listeners[name]!.delete(listener);
    },
    emit(name, payload) {
      listeners[name]?.forEach((listener) => {
        try {
          listener(payload);
        } catch (error) {
          onListenerError(error);
        }
      });
    },
  };
}

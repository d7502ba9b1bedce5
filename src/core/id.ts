import { nanoid } from 'nanoid';

/** A new random id (21 url-safe characters, 126 bits): message ids and anonymous ids. */
export const newId = (): string => nanoid();

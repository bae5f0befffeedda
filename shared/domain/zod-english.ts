import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * Import this module (for its effect) wherever a `zod/mini` schema's problems reach a person.
 * zod/mini ships without messages, so every problem would read "Invalid input"; the English
 * locale gives the path-and-reason wording (`Invalid input: expected object, received string`).
 * The setting is process-wide, and it is the one the full `zod` package makes when it is
 * imported, so a process that loads both reads the same messages from either.
 *
 * Callers import `zod/mini` themselves rather than a namespace re-exported from here: a
 * re-exported namespace defeats tree-shaking and would bundle the whole library.
 */
config(en());

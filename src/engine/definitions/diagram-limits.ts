/** The largest diagram deploy accepts (the plan's are about 60 KiB). */
export const MAX_DIAGRAM_BYTES = 2 * 1024 * 1024;

/** Problems listed for one diagram; a designer fixes the first ones and checks again. */
export const MAX_LISTED_PROBLEMS = 100;

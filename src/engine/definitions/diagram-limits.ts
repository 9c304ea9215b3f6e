/** The largest diagram deploy accepts (the plan's are about 60 KiB). */
export const MAX_DIAGRAM_BYTES = 2 * 1024 * 1024;

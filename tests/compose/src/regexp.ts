/** `text` matched literally inside a RegExp (host names and URLs carry `.` and `/`). */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

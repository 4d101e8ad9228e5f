/** The most a notification says: about two lines of a notification toast. */
export const NOTIFICATION_CHARS = 200;

/**
 * A message as a notification shows it: its first line, with a run of one token repeated (a
 * model's `0-0-0-…`, a path printed twice) cut short, within NOTIFICATION_CHARS; the whole text
 * goes to the log, which the notification's Show Log opens.
 */
export function notificationText(message: string): string {
  const first = message.split(/\r?\n/).find((line) => line.trim()) ?? message;
  const squeezed = first.replace(/(.{1,20}?)\1{3,}/g, '$1$1…').replace(/\s+/g, ' ').trim();
  return squeezed.length <= NOTIFICATION_CHARS ? squeezed : `${squeezed.slice(0, NOTIFICATION_CHARS - 1).trimEnd()}…`;
}

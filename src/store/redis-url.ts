/** Hides the password of a Redis URL. */
export function maskRedisUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/**
 * The customer chat's address: `/chat` (and `/chat/`). The hosting serves index.html for paths without a
 * file (the local gateway's fallback, CloudFront's 403/404 error responses), so the one build serves it.
 */
export function isChatPath(pathname: string): boolean {
  return /^\/chat\/?$/.test(pathname);
}

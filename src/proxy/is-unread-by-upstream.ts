// Which connection errors prove the upstream never read a request, so it may be sent again
// (told apart by fields, never by message text). Besides a refused connection:
// - a reset reported by the OS (`syscall` set: "read ECONNRESET", "write EPIPE"): the kernel
//   resets a connection closed with received bytes still unread, and answers bytes sent to a
//   closed socket with a reset. A dying upstream (SIGKILL, OOM) resets this way the request it
//   never read, and so does a listener whose last threads are still exiting for connections it
//   had queued but never accepted.
// - EPIPE from Node without `syscall`: the upstream's FIN was read before the request was
//   written, so nothing was sent.
// Not proof: ECONNRESET from Node without `syscall` ("socket hang up"), a clean close with
// nothing unread, which is also what an upstream that read the request and died of it leaves.
// Assumes an upstream that read a request answers it or closes cleanly, never with a reset
// (SO_LINGER 0).
import { errorCodeOf } from './proxy-errors.js';

export function isUnreadByUpstream(error: Error): boolean {
  const code = errorCodeOf(error);
  if (code === 'ECONNREFUSED' || code === 'EPIPE') return true;
  return code === 'ECONNRESET' && 'syscall' in error && typeof error.syscall === 'string';
}

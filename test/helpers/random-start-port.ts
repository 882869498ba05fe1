/**
 * A base port for one test's upstreams, away from the default 5800 and from the other test
 * files running in parallel, so two of them rarely race for the same free port (each still
 * searches upwards, up to 1,000 ports). Below Linux's ephemeral range (32768+): a port there
 * can be taken at any moment as the local end of some test's outgoing connection, and the
 * upstream then fails to bind it (EADDRINUSE).
 */
export function randomStartPort(): number {
  return 20_000 + Math.floor(Math.random() * 11_000);
}

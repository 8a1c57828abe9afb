/**
 * The `pandalchemy-server` command's code (bin/pandalchemy-server.js runs `main`): not part of the
 * library's API.
 *
 * @internal
 */
export { main, parseServerArgs, startServer, USAGE } from './server/server-cli';

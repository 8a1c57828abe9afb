#!/usr/bin/env node
// `npx pandalchemy-server --tables todos --tokens tokens.json [--data ./folder | --database-url …]`:
// the sync server of pandalchemy/server as a command (src/server/server-cli.ts, built to dist/).
import { main } from '../dist/server-cli.js';

await main(process.argv.slice(2));

// SPDX-License-Identifier: GPL-2.0-or-later
// The tutorial's Parquet step (tutorial_step.py) through DuckDB, where pandas
// has no Parquet engine: the same three questions in SQL, the same line.
// Usage: node tutorial_step.mjs NODE_MODULES SNAPSHOT_DIR (exit 77: no DuckDB)
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const [modules, dir] = process.argv.slice(2)
let duckdb
try {
  duckdb = await import(pathToFileURL(join(modules, '@duckdb/node-api/lib/index.js')).href)
} catch (error) {
  console.log(`DuckDB is not installed: ${error.message}`)
  process.exit(77)
}
const connection = await (await duckdb.DuckDBInstance.create(':memory:')).connect()
const rows = async sql => (await connection.runAndReadAll(sql)).getRows()
const table = name => `read_parquet('${join(dir, name)}.parquet')`
const byState = await rows(`SELECT state, count(*) FROM ${table('tasks')} GROUP BY state ORDER BY state`)
const byClass = await rows(`SELECT failure_class, count(*) FROM ${table('failures')} GROUP BY 1 ORDER BY 1`)
const failed = await rows(`SELECT component, param_region, param_year FROM ${table('tasks')}
  WHERE state = 'failed' ORDER BY component, scenario`)
console.log(byState.map(([k, v]) => `${k}=${v}`).join(' '), '|',
  byClass.map(([k, v]) => `${k}=${v}`).join(' '), '|',
  failed.map(([c, r, y]) => `${c}:${r}-${y}`).join(' '))

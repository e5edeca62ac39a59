// SPDX-License-Identifier: GPL-2.0-or-later
// The second, optional reader: DuckDB (@duckdb/node-api, an optional
// dependency: npm ci goes on without it where its binary does not install).
// A file's column types as DuckDB names them, and its rows in file order,
// each an array in the expected columns' order (timestamps as BigInt
// milliseconds through epoch_ms).
export async function loadDuckDB() {
  try {
    return await import('@duckdb/node-api')
  } catch (error) {
    return null
  }
}

const quoted = text => `'${text.replaceAll("'", "''")}'`
const ident = name => `"${name.replaceAll('"', '""')}"`

export async function duckdbRead(duckdb, file, columns) {
  const instance = await duckdb.DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  const source = `read_parquet(${quoted(file)}, file_row_number = true)`
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * EXCLUDE (file_row_number) FROM ${source}`)
  const types = Object.fromEntries(described.getRowObjects().map(row => [row.column_name, row.column_type]))
  const select = columns.map(c => c.type === 'timestamp' ? `epoch_ms(${ident(c.name)})` : ident(c.name)).join(', ')
  const result = await connection.runAndReadAll(`SELECT ${select} FROM ${source} ORDER BY file_row_number`)
  const rows = result.getRows()
  connection.closeSync?.()
  return { types, rows }
}

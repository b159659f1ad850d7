#ifndef ROSTER_SQLITE_CONFIG_H
#define ROSTER_SQLITE_CONFIG_H

/// Turns on SQLite's query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG) for a connection of the SQLite
/// that sqlite-nio vendors: the planner then never looks at bound values, so a cached statement is not prepared again
/// each time it is bound (SQLite re-prepares a statement whose parameter it compared with a partial index's condition,
/// which every statement on `parties` did). `sqlite3_db_config` is variadic, which Swift can't call: hence this C.
/// Returns SQLite's result code.
int roster_sqlite_enable_qpsg(void *db);

/// Whether the guarantee is on for this connection (1) or not (0); -1 when SQLite refuses the question.
int roster_sqlite_qpsg_enabled(void *db);

#endif

#include "RosterSQLiteConfig.h"

// sqlite-nio's renamed sqlite3_db_config (VaporCSQLite/include/sqlite_nio_sqlite3.h); declared here so that this
// target needs no header of another package.
extern int sqlite_nio_sqlite3_db_config(void *db, int op, ...);

// SQLITE_DBCONFIG_ENABLE_QPSG in sqlite3.h.
#define ROSTER_SQLITE_DBCONFIG_ENABLE_QPSG 1007

int roster_sqlite_qpsg_enabled(void *db) {
    int enabled = -1;
    if (sqlite_nio_sqlite3_db_config(db, ROSTER_SQLITE_DBCONFIG_ENABLE_QPSG, -1, &enabled) != 0) return -1;
    return enabled;
}

int roster_sqlite_enable_qpsg(void *db) {
    int enabled = 0;
    return sqlite_nio_sqlite3_db_config(db, ROSTER_SQLITE_DBCONFIG_ENABLE_QPSG, 1, &enabled);
}

#include "server/event_table.h"

#include "store/statement.h"
#include "store/transaction.h"

namespace edgeloop::server {

Result<EventsAdded> EventTable::Add(const std::vector<io::Event>& events,
                                    const std::string& recorded_by, int64_t now_ms) {
  EL_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db_, "record events"));
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("INSERT OR IGNORE INTO events (time_ms, asset, kind, failure_mode, "
                  "recorded_ms, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  "record events"));
  EventsAdded result;
  for (const io::Event& e : events) {
    EL_RETURN_IF_ERROR(st.Reset());
    st.Bind(1, e.time_ms)
        .Bind(2, e.asset)
        .Bind(3, io::EventKindName(e.kind))
        .Bind(4, e.failure_mode)
        .Bind(5, now_ms)
        .Bind(6, recorded_by);
    EL_RETURN_IF_ERROR(st.Run());
    if (db_.Changes() > 0) {
      ++result.added;
    } else {
      ++result.duplicates;
    }
  }
  EL_RETURN_IF_ERROR(tx.Commit());
  return result;
}

Result<std::vector<StoredEvent>> EventTable::Query(const EventQuery& query) {
  EL_ASSIGN_OR_RETURN(
      store::Statement st,
      db_.Prepare("SELECT id, time_ms, asset, kind, failure_mode, recorded_ms, recorded_by "
                  "FROM events WHERE (?1 = '' OR asset = ?1) AND time_ms >= ?2 AND time_ms < ?3 "
                  "ORDER BY time_ms, asset, id LIMIT ?4",
                  "query events"));
  st.Bind(1, query.asset)
      .Bind(2, query.from_ms.value_or(INT64_MIN))
      .Bind(3, query.to_ms.value_or(INT64_MAX))
      .Bind(4, query.limit);
  std::vector<StoredEvent> out;
  while (true) {
    EL_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    StoredEvent s;
    s.id = st.ColumnInt64(0);
    s.event.time_ms = st.ColumnInt64(1);
    s.event.asset = st.ColumnText(2);
    const std::string kind = st.ColumnText(3);
    if (!io::ParseEventKind(kind, &s.event.kind)) {
      return DataLoss("event " + std::to_string(s.id) + " has an unknown kind '" + kind + "'");
    }
    s.event.failure_mode = st.ColumnText(4);
    s.recorded_ms = st.ColumnInt64(5);
    s.recorded_by = st.ColumnText(6);
    out.push_back(std::move(s));
  }
  return out;
}

Result<int64_t> EventTable::Count() {
  EL_ASSIGN_OR_RETURN(store::Statement st,
                      db_.Prepare("SELECT COUNT(*) FROM events", "count events"));
  EL_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.ColumnInt64(0) : 0;
}

}  // namespace edgeloop::server

-- Delivery:MessagesPerHour is the relay's limit, so with several nodes sending it is counted here rather than in
-- each process: one row per UTC hour holding how many sends the nodes have asked for in it (SendBudgetStore). A node
-- takes a small block at a time; whatever part of its block lies past the limit is not granted.
CREATE TABLE send_budget (
    hour  {time} PRIMARY KEY,                       -- the hour's first instant, e.g. '2026-11-24T08:00:00.000Z'
    asked {int} NOT NULL
) {without rowid};

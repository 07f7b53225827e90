-- Initial schema. Key columns carry what the store filters, orders and joins on; the
-- record itself is a JSON document. {{id}} and {{bin}} are replaced per dialect: an
-- auto-incrementing primary key, and byte-wise collation for columns we order by.

CREATE TABLE targets (
	id          {{id}},
	account     TEXT NOT NULL,
	namespace   TEXT NOT NULL,
	resource_id TEXT NOT NULL,
	dimension   TEXT NOT NULL,
	arn         TEXT NOT NULL,
	revision    BIGINT NOT NULL,
	doc         TEXT NOT NULL,
	UNIQUE (account, namespace, resource_id, dimension)
);

CREATE INDEX targets_arn ON targets (account, arn);

CREATE TABLE policies (
	id          {{id}},
	account     TEXT NOT NULL,
	namespace   TEXT NOT NULL,
	resource_id TEXT NOT NULL,
	dimension   TEXT NOT NULL,
	name        TEXT NOT NULL,
	arn         TEXT NOT NULL,
	revision    BIGINT NOT NULL,
	doc         TEXT NOT NULL,
	UNIQUE (account, namespace, resource_id, dimension, name),
	FOREIGN KEY (account, namespace, resource_id, dimension)
		REFERENCES targets (account, namespace, resource_id, dimension) ON DELETE CASCADE
);

CREATE TABLE schedules (
	id          {{id}},
	account     TEXT NOT NULL,
	namespace   TEXT NOT NULL,
	resource_id TEXT NOT NULL,
	dimension   TEXT NOT NULL,
	name        TEXT NOT NULL,
	revision    BIGINT NOT NULL,
	doc         TEXT NOT NULL,
	UNIQUE (account, namespace, resource_id, dimension, name),
	FOREIGN KEY (account, namespace, resource_id, dimension)
		REFERENCES targets (account, namespace, resource_id, dimension) ON DELETE CASCADE
);

CREATE TABLE target_states (
	account     TEXT NOT NULL,
	namespace   TEXT NOT NULL,
	resource_id TEXT NOT NULL,
	dimension   TEXT NOT NULL,
	revision    BIGINT NOT NULL,
	doc         TEXT NOT NULL,
	PRIMARY KEY (account, namespace, resource_id, dimension),
	FOREIGN KEY (account, namespace, resource_id, dimension)
		REFERENCES targets (account, namespace, resource_id, dimension) ON DELETE CASCADE
);

-- Activities outlive their target, so no foreign key. start_ms is StartTime in Unix
-- milliseconds; listings run newest first on (start_ms, activity_id).
CREATE TABLE activities (
	activity_id TEXT {{bin}} NOT NULL PRIMARY KEY,
	account     TEXT NOT NULL,
	namespace   TEXT NOT NULL,
	resource_id TEXT NOT NULL,
	dimension   TEXT NOT NULL,
	start_ms    BIGINT NOT NULL,
	not_scaled  INTEGER NOT NULL,
	doc         TEXT NOT NULL
);

CREATE INDEX activities_start ON activities (start_ms, activity_id);

CREATE TABLE alarms (
	account    TEXT {{bin}} NOT NULL,
	name       TEXT {{bin}} NOT NULL,
	managed_by TEXT NOT NULL,
	revision   BIGINT NOT NULL,
	doc        TEXT NOT NULL,
	PRIMARY KEY (account, name)
);

CREATE INDEX alarms_name ON alarms (name, account);

CREATE INDEX alarms_managed_by ON alarms (account, managed_by);

-- One row per distinct entry of an alarm's AlarmActions, for the ActionARN filter.
CREATE TABLE alarm_actions (
	account    TEXT {{bin}} NOT NULL,
	name       TEXT {{bin}} NOT NULL,
	action_arn TEXT NOT NULL,
	PRIMARY KEY (account, name, action_arn),
	FOREIGN KEY (account, name) REFERENCES alarms (account, name) ON DELETE CASCADE
);

CREATE INDEX alarm_actions_arn ON alarm_actions (action_arn);

package main

// The names of the core table, in one place that both the runtime (which
// refuses any other method of a module) and `jobbox check` (which reports a
// call to any other name) read, so the two cannot disagree. To add a method
// to a module, add its name here.

// coreNames are the fields of core a job may use.
var coreNames = set(
	"job", "log", "mysql", "network", "email", "data", "ASC", "DESC",
	"json", "json_safe", "uuid", "md5", "sleep", "sf", "trim", "split", "timer",
)

// moduleMethods are, for each core module that is a table of functions,
// the methods jobbox has: those of the Coronium Core 2.7 server docs.
var moduleMethods = map[string]map[string]bool{
	"mysql": set(
		"query", "q", "select", "selectOne", "selectBatch", "selectMerge", "selectCount",
		"insert", "insertMany", "insertBatch", "update", "updateMany", "updateBatch",
		"delete", "deleteMany", "deleteBatch",
		"escape", "escapeAll", "timestamp", "localTimestamp", "parseTimestamp",
		"date", "localDate", "logQueries", "dbConnect", "dbQuery", "dbClose",
	),
	"network":   set("request", "get", "post", "getJson", "postJson", "pipeline", "encode"),
	"email":     set("new"),
	"json":      set("encode", "decode"),
	"json_safe": set("encode", "decode"),
}

// refusedNames are the documented core names jobbox does not offer, with
// why. Reading one ends the run with "core.X is not available in jobbox:
// why", and `jobbox check` reports it.
var refusedNames = map[string]string{
	"users":       "jobbox keeps no Coronium user accounts; store your own records with core.mysql or core.data",
	"mongo":       "jobbox has no MongoDB server; keep documents with core.data or rows with core.mysql",
	"files":       "a job has no server files directory in jobbox: the sandbox reaches no file system",
	"template":    "jobbox has no templates directory; build the text with core.sf or string.format",
	"callApi":     "jobbox runs jobs, not Coronium API projects, so there is no API method to call; reach an HTTP API with core.network",
	"api":         "a job file is not an API project: jobbox runs jobs only (start the file with `local job = core.job()`)",
	"error":       "it builds the error answer of an API method, and a job answers no client: raise error(...) or return job.EXIT",
	"geoip":       "it looks up the IP of an API client's request, and a job serves no request",
	"countryCode": "it looks up the IP of an API client's request, and a job serves no request",
	"pages":       "jobbox serves no web pages; it runs jobs only",
	"run":         "a job may not start programs: the sandbox has no processes",
	"NULL":        "it marks keys to remove from core.users' extra table, and core.users is not available (core.mysql takes the string 'NULL')",
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

package web

// FormatDuration is formatDuration, for the tests.
var FormatDuration = formatDuration

package service

import (
	"net/http"

	"github.com/jobbox/jobbox/host/api"
)

// EventStream serves bus's events at GET /v1/events exactly as the admin
// API does, with no authentication (the API's local handler, as on the
// unix socket), until stopped closes: for benchmarks and tests that attach
// real stream clients to a schedule without a whole service. Mount it only
// on loopback.
func EventStream(bus *Bus, stopped <-chan struct{}) http.Handler {
	return api.New(api.Options{Service: busOnly{bus: bus, stopped: stopped}}).LocalHandler()
}

// busOnly is an api.Service whose only working method is Subscribe.
type busOnly struct {
	api.Service
	bus     *Bus
	stopped <-chan struct{}
}

func (b busOnly) Subscribe() api.Subscription { return newAPISubscription(b.bus, b.stopped) }

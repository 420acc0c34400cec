package sandbox

import (
	"context"
	"errors"

	"github.com/jobbox/jobbox/host/internal/pagemem"
)

// recycle readies a clone whose run has ended for another run, as if it
// were new (see reset). This skips instantiation, most of a clone's cost;
// RATIONALE.md says why it is as isolated. A clone that cannot be reset is
// closed, and the filler replaces it.
func (p *pool) recycle(ctx context.Context, inst *instance) {
	defer p.resetting.Add(-1)
	inst.learn()
	if p.closed() {
		inst.close(ctx)
		return
	}
	if err := p.reset(ctx, inst); err != nil {
		inst.close(ctx)
		p.refill()
		return
	}
	p.offer(ctx, inst)
}

// reset returns a used clone to the state of the current snapshot. When
// that is the snapshot the clone already maps, it copies back just the
// pages the clone holds copies of, which stay its own, so its next run
// does not fault on them; otherwise it maps the snapshot afresh.
func (p *pool) reset(ctx context.Context, inst *instance) error {
	limits, _ := p.guest.snapshotLimits()
	im, err := p.current(ctx, limits, replaceLater)
	if err != nil {
		return err
	}
	defer im.release()
	if size := uint64(inst.mod.Memory().Size()); size > im.size {
		return errors.New("the run grew the memory past the snapshot's size, and memory cannot shrink")
	}
	inst.mem.limit = cloneMemoryLimit
	inst.mem.exceeded.Store(false)
	inst.output.reset()
	sample := p.touch.wantSample()
	copied := !sample && im == inst.image && pagemem.CopyBack(inst.mem.backing[:im.size], im.file.View(), &inst.scan)
	var mapErr error
	if !copied {
		mapErr = im.mapInto(inst.mem.backing)
	}
	if err := p.engine.restore(inst, p.guest, im, mapErr); err != nil {
		return err
	}
	if copied {
		// The pages the clone wrote are still its own: nothing to
		// prefault, and its next run is not sampled.
		inst.touch = nil
		return nil
	}
	p.prime(inst, im, sample)
	return nil
}

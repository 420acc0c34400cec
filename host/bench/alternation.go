package bench

import "time"

// alternation divides time into spells of one length from a start: the
// first watched, the next not, and so on. Runs due in the two kinds of
// spell of one scenario are compared, so that what the machine does
// meanwhile (other tenants, the clock's drift, the heap's growth) weighs
// on both alike.
type alternation struct {
	from   time.Time
	length time.Duration
}

// spell numbers the spell t falls in from 0, the first watched one, and
// says how far into it t is; k is -1 before the first. The even spells
// are watched; spells 2j and 2j+1 are pair j.
func (a alternation) spell(t time.Time) (k int, into time.Duration) {
	d := t.Sub(a.from)
	if d < 0 {
		return -1, 0
	}
	return int(d / a.length), d % a.length
}

// nextSpell is the watched spell now falls in, or else the next one.
func (a alternation) nextSpell(now time.Time) (on, off time.Time) {
	k := max(now.Sub(a.from)/a.length, 0)
	if k%2 == 1 {
		k++
	}
	on = a.from.Add(k * a.length)
	return on, on.Add(a.length)
}

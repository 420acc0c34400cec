package meter

import (
	"errors"
	"fmt"
)

func parse(bin []byte) (*module, error) {
	if len(bin) < 8 || string(bin[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module (bad magic number)")
	}
	if string(bin[4:8]) != "\x01\x00\x00\x00" {
		return nil, errors.New("not a WebAssembly 1.0 module (unsupported version)")
	}
	m := &module{}
	r := &reader{b: bin, pos: 8}
	last := 0
	for !r.done() {
		id, body, err := r.section()
		if err != nil {
			return nil, fmt.Errorf("section %d: %w", id, err)
		}
		if id != secCustom {
			order, ok := sectionOrder[id]
			if !ok {
				return nil, fmt.Errorf("unknown section %d", id)
			}
			if order <= last {
				return nil, fmt.Errorf("section %d is out of order or repeated", id)
			}
			last = order
		}
		if id == secCustom {
			// Only the name section matters (for stack traces); the others
			// would be one more thing for the compiler to parse.
			if name, ok := customName(body); !ok || name != "name" {
				continue
			}
		} else if vectorSections[id] {
			// wazero allocates a vector before reading it; a count the
			// bytes cannot hold would have it allocate gigabytes.
			n, err := (&reader{b: body}).u32()
			if err != nil {
				return nil, fmt.Errorf("section %d: %w", id, err)
			}
			if uint64(n) > uint64(len(body)) {
				return nil, fmt.Errorf("section %d claims %d entries in %d bytes", id, n, len(body))
			}
			if id == secGlobal {
				m.definedGlobals = n
			}
		}
		m.sections = append(m.sections, section{id, body})
	}
	if err := m.readTypes(); err != nil {
		return nil, fmt.Errorf("type section: %w", err)
	}
	if err := m.readImports(); err != nil {
		return nil, fmt.Errorf("import section: %w", err)
	}
	if err := m.readFunctions(); err != nil {
		return nil, fmt.Errorf("function section: %w", err)
	}
	if err := m.readTables(); err != nil {
		return nil, fmt.Errorf("table section: %w", err)
	}
	if err := m.checkCounts(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *module) find(id byte) []byte {
	for _, s := range m.sections {
		if s.id == id {
			return s.body
		}
	}
	return nil
}

// vector reads a count-prefixed vector (a section or a subsection), calling
// entry for each entry with r at its start. A nil body, an absent section,
// has no entries; bytes after the last entry are an error.
func vector(body []byte, entry func(i uint32, r *reader) error) (uint32, error) {
	if body == nil {
		return 0, nil
	}
	r := &reader{b: body}
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	for i := uint32(0); i < n; i++ {
		if err := entry(i, r); err != nil {
			return n, err
		}
	}
	if !r.done() {
		return n, errors.New("trailing bytes after the last entry")
	}
	return n, nil
}

func (m *module) readTypes() error {
	_, err := vector(m.find(secType), func(i uint32, r *reader) error {
		form, err := r.byte()
		if err != nil {
			return err
		}
		if form != 0x60 {
			return fmt.Errorf("type %d is not a function type (form 0x%x)", i, form)
		}
		var t funcType
		for _, dst := range []*[]byte{&t.params, &t.results} {
			count, err := r.u32()
			if err != nil {
				return err
			}
			if *dst, err = r.bytes(count); err != nil {
				return err
			}
		}
		m.types = append(m.types, t)
		return nil
	})
	return err
}

func (m *module) readImports() error {
	_, err := vector(m.find(secImport), func(_ uint32, r *reader) error {
		mod, err := r.name()
		if err != nil {
			return err
		}
		name, err := r.name()
		if err != nil {
			return err
		}
		if mod == ImportModule {
			return fmt.Errorf("the guest imports %s.%s: that module is reserved for the host", mod, name)
		}
		kind, err := r.byte()
		if err != nil {
			return err
		}
		switch kind {
		case kindFunc:
			t, err := r.u32()
			if err != nil {
				return err
			}
			m.funcTypes = append(m.funcTypes, t)
			m.importedFuncs++
		case kindTable:
			ref, err := r.byte()
			if err != nil {
				return err
			}
			m.tableTypes = append(m.tableTypes, ref)
			err = r.limits()
		case kindMemory:
			err = r.limits()
		case kindGlobal:
			_, err = r.bytes(2)
			m.importedGlobals++
		default:
			return fmt.Errorf("import %s.%s has unknown kind %d", mod, name, kind)
		}
		return err
	})
	return err
}

func (m *module) readFunctions() error {
	_, err := vector(m.find(secFunction), func(_ uint32, r *reader) error {
		t, err := r.u32()
		m.funcTypes = append(m.funcTypes, t)
		return err
	})
	return err
}

func customName(body []byte) (string, bool) {
	r := &reader{b: body}
	name, err := r.name()
	return name, err == nil
}

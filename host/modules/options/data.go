package options

// Data is the [data] table: the caps of core.data.
type Data struct {
	MaxDocumentBytes       any `toml:"max_document_bytes"`
	MaxCollectionDocuments int `toml:"max_collection_documents"`

	MaxDocumentSize int `toml:"-"`
}

// DefaultData is [data] when the config leaves it out.
func DefaultData() Data { return Data{MaxDocumentBytes: "64KiB", MaxCollectionDocuments: 10_000} }

// Validate checks [data] and resolves its document size.
func (d *Data) Validate(c *Checker) {
	if size, err := c.Size(d.MaxDocumentBytes); err != nil || size < 1 || size > 16<<20 {
		c.Fail("data.max_document_bytes", "data.max_document_bytes %v", errOr(err, "must be from 1 byte to 16MiB"))
	} else {
		d.MaxDocumentSize = int(size)
	}
	if d.MaxCollectionDocuments < 1 || d.MaxCollectionDocuments > maxDocuments {
		c.Fail("data.max_collection_documents", "data.max_collection_documents must be from 1 to %d", maxDocuments)
	}
}

// ValidateGrants checks the names of a job's collections.
func (d *Data) ValidateGrants(g *Grants, job Job, c *Checker) {
	for _, coll := range g.Data {
		if !identifier.MatchString(coll) {
			c.Fail(job.Key+".data", "%s: collection name %q may hold only letters, digits, '.', '_' and '-'", job.Label, coll)
		}
	}
}

package options

import "github.com/jobbox/jobbox/host/setting"

// Data is the [data] table: the caps of core.data.
type Data struct {
	MaxDocumentBytes       setting.Size `toml:"max_document_bytes"`
	MaxCollectionDocuments int          `toml:"max_collection_documents"`
}

// DefaultData is [data] when the config leaves it out.
func DefaultData() Data {
	return Data{MaxDocumentBytes: setting.SizeOf("64KiB"), MaxCollectionDocuments: 10_000}
}

// Validate checks [data].
func (d Data) Validate(c *Checker) {
	if size := d.MaxDocumentBytes; size.Err() != nil || size.Bytes() < 1 || size.Bytes() > 16<<20 {
		c.Fail("data.max_document_bytes", "data.max_document_bytes %v", errOr(size.Err(), "must be from 1 byte to 16MiB"))
	}
	if d.MaxCollectionDocuments < 1 || d.MaxCollectionDocuments > maxDocuments {
		c.Fail("data.max_collection_documents", "data.max_collection_documents must be from 1 to %d", maxDocuments)
	}
}

// ValidateGrants checks the names of a job's collections.
func (d Data) ValidateGrants(g Grants, job Job, c *Checker) {
	for _, coll := range g.Data {
		if !identifier.MatchString(coll) {
			c.Fail(job.Key+".data", "%s: collection name %q may hold only letters, digits, '.', '_' and '-'", job.Label, coll)
		}
	}
}

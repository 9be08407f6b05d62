"""The build: records -> RDF -> reasoner -> release, with the contract checked as its last gate."""

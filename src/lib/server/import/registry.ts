import { importServices, servicesDatasetKey } from './commit';
import { caseloadImporter } from './kinds/caseload';
import { organisationsImporter } from './kinds/organisations';
import { cfoSitesImporter } from './kinds/cfo-sites';
import { grants360Importer } from './kinds/grants-360giving';
import { orukImporter } from './kinds/oruk';
import { rmContractsImporter } from './kinds/rm-contracts';
import { TEMPLATE_FIELDS, templateCsv } from './services-guide';
import { IMPORT_KINDS, type ImportKind, type Importer } from './types';

const services: Importer = {
	kind: 'services',
	title: 'Services (any supply source)',
	description:
		'Contracts, grants, call-offs and in-kind services from any of the five supply sources, one row each, in the general services template.',
	rowNoun: 'service',
	matchedBy: 'by reference',
	extensions: ['.csv'],
	guide: TEMPLATE_FIELDS,
	template: () => ({
		fileName: 'services-template.csv',
		contentType: 'text/csv; charset=utf-8',
		body: templateCsv()
	}),
	datasetKey: servicesDatasetKey,
	run(db, files, options) {
		const [file] = files;
		if (!file || files.length > 1) throw new Error('import one services CSV at a time');
		return importServices(db, file.bytes, options);
	}
};

/** The importers this build has, by kind. */
export const IMPORTERS: Partial<Record<ImportKind, Importer>> = {
	services,
	caseload: caseloadImporter,
	organisations: organisationsImporter,
	'cfo-sites': cfoSitesImporter,
	'grants-360giving': grants360Importer,
	'rm-contracts': rmContractsImporter,
	oruk: orukImporter
};

/** The kinds this build imports, in the order the issue lists them. */
export const AVAILABLE_KINDS: readonly ImportKind[] = IMPORT_KINDS.filter((k) => IMPORTERS[k]);

/** The importer for a kind; undefined when this build does not import it. */
export function findImporter(kind: string): Importer | undefined {
	return (IMPORTERS as Record<string, Importer | undefined>)[kind];
}

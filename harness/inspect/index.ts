/** Static inspection of Lambda artifacts: the API `verify` and the CLI use. */
export { inspectZip, inspectImage, inspectView, InspectOptions } from './inspect';
export { formatInspectionReport, FormatOptions } from './format';
export { DEFAULT_PACK, runRules } from './default-pack';
export { readZipView, ZipReadError, ZipReadOptions } from './zip-reader';
export { readImageView, readImageConfig, ImageReadError, ImageReadOptions } from './image-reader';
export { parseElf, isElf, ElfInfo, ElfParseError } from './elf-reader';
export { BASE_DIGEST_LABEL, BASE_NAME_LABEL } from './rules/image-base-pinned';
export * from './types';

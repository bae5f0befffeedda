export const main = async (argv: readonly string[]): Promise<number> => {
  console.log('idc-lifecycle', argv.join(' '));
  return 0;
};

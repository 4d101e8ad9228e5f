/** Every command Quarry registers, by its ID in package.json: code names them only through here. */
export const COMMANDS = {
  connectDatabase: 'quarry.connectDatabase',
  refreshDatabases: 'quarry.refreshDatabases',
  disconnectDatabase: 'quarry.disconnectDatabase',
  showLog: 'quarry.showLog',
  toggleInlineCompletion: 'quarry.toggleInlineCompletion',
  chooseSqlConnection: 'quarry.chooseSqlConnection',
  askInEnglish: 'quarry.askInEnglish',
  selectModel: 'quarry.selectModel',
  runEvaluation: 'quarry.runEvaluation',
  openEvaluation: 'quarry.openEvaluation',
  buildDataset: 'quarry.buildDataset',
  runQuery: 'quarry.runQuery',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The Databases view, whose ID package.json declares too. */
export const DATABASES_VIEW = 'quarry.databases';

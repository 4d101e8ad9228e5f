/** Every command Quarry registers, by its ID in package.json: code names them only through here. */
export const COMMANDS = {
  connectDatabase: 'quarry.connectDatabase',
  refreshDatabases: 'quarry.refreshDatabases',
  disconnectDatabase: 'quarry.disconnectDatabase',
  showLog: 'quarry.showLog',
  toggleInlineCompletion: 'quarry.toggleInlineCompletion',
  chooseSqlConnection: 'quarry.chooseSqlConnection',
  askInEnglish: 'quarry.askInEnglish',
  askFollowUp: 'quarry.askFollowUp',
  resetFollowUps: 'quarry.resetFollowUps',
  selectModel: 'quarry.selectModel',
  runEvaluation: 'quarry.runEvaluation',
  openEvaluation: 'quarry.openEvaluation',
  buildDataset: 'quarry.buildDataset',
  runQuery: 'quarry.runQuery',
  cancelQuery: 'quarry.cancelQuery',
  exportResults: 'quarry.exportResults',
  attachDatabase: 'quarry.attachDatabase',
  detachDatabase: 'quarry.detachDatabase',
  pinTable: 'quarry.pinTable',
  unpinTable: 'quarry.unpinTable',
  selectTop: 'quarry.selectTopRows',
  previewTable: 'quarry.previewTable',
  copyName: 'quarry.copyName',
  showDdl: 'quarry.showTableDdl',
  formatSql: 'quarry.formatSql',
  fixQuery: 'quarry.fixQuery',
  explainQuery: 'quarry.explainQuery',
  historySearch: 'quarry.searchHistory',
  historyFilterConnection: 'quarry.filterHistory',
  historyClearFilter: 'quarry.clearHistoryFilter',
  historyRerun: 'quarry.runHistoryEntry',
  historyOpen: 'quarry.openHistoryEntry',
  historyCopy: 'quarry.copyHistoryEntry',
  historyDelete: 'quarry.deleteHistoryEntry',
  historyMarkRight: 'quarry.markAnswerRight',
  historyMarkWrong: 'quarry.markAnswerWrong',
  historyCorrect: 'quarry.correctAnswer',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The Databases view, whose ID package.json declares too. */
export const DATABASES_VIEW = 'quarry.databases';

/** The Prompt Context view: what the model saw for the last Ask. */
export const PROMPT_CONTEXT_VIEW = 'quarry.promptContext';

/** The History view: every Ask and Run. */
export const HISTORY_VIEW = 'quarry.history';

export { ticketsCollection, routesCollection } from './collections';
export { submitTickets, getTicket, type TicketMeta, type DailyTotals } from './tickets';
export { queryTickets, groupTickets, planScan, matches } from './queries';
export { declareRoute, attachRouteTicket, getRoute, routeVerdict } from './routes';
export { checkDisclosure } from './disclosure';

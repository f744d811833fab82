export { ticketsCollection, routesCollection } from './collections';
export { submitTickets, getTicket } from './tickets';
export { queryTickets, groupTickets } from './queries';
export { declareRoute, attachRouteTicket, getRoute } from './routes';
export { checkDisclosure } from './disclosure';

import { nodeService } from '@weather/tsup-config';

export default nodeService();

window.YTD.direct_messages.part0 = [
 {
  "dmConversation": {
   "conversationId": "111-222",
   "messages": [
    {
     "messageCreate": {
      "recipientId": "222",
      "reactions": [],
      "urls": [],
      "text": "Do you ship to Oslo?",
      "mediaUrls": [],
      "senderId": "111",
      "id": "9001",
      "createdAt": "2024-01-03T21:41:05.000Z"
     }
    },
    {
     "messageCreate": {
      "recipientId": "111",
      "reactions": [],
      "urls": [],
      "text": "We do!",
      "mediaUrls": [
       "https://ton.twitter.com/dm/1/photo.jpg"
      ],
      "senderId": "222",
      "id": "9002",
      "createdAt": "2024-01-03T22:00:00.000Z"
     }
    }
   ]
  }
 },
 {
  "dmConversation": {
   "conversationId": "g-1",
   "messages": [
    {
     "joinConversation": {
      "initiatingUserId": "333",
      "participantsSnapshot": [
       "111",
       "333"
      ],
      "createdAt": "2024-01-05T10:00:00.000Z"
     }
    }
   ]
  }
 }
]